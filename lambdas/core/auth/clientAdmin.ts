/** Service client administration (the `npm run clients` command): create and revoke. Listing is bin/clients.ts's own Scan, never a request path. */
import { randomBytes } from 'node:crypto';
import { SCOPES, type Scope } from '../../../protocol/index.ts';
import { type Clock, isoAt } from '../clock.ts';
import type { ClientRecord, ClientRepository } from './clientRepository.ts';
import { hashSecret } from './secretHash.ts';

export interface NewClient {
  clientId: string;
  /** Shown once: only its hash is stored. */
  clientSecret: string;
  name: string;
  scopes: Scope[];
}

export class ClientAdmin {
  constructor(
    private readonly repo: ClientRepository,
    private readonly clock: Clock,
  ) {}

  async create(name: string, scopes: readonly string[]): Promise<NewClient> {
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0) throw new Error(`unknown scope ${unknown.join(', ')}; the scopes are ${SCOPES.join(', ')}`);
    if (name.trim() === '') throw new Error('a client needs a name (--name)');
    const clientSecret = randomBytes(32).toString('base64url');
    const record: ClientRecord = {
      clientId: `vrc_${randomBytes(12).toString('base64url')}`,
      name: name.trim(),
      scopes: SCOPES.filter((s) => scopes.includes(s)),
      secretHash: await hashSecret(clientSecret),
      createdAt: isoAt(this.clock.nowMs()),
    };
    if (!(await this.repo.insert(record))) throw new Error('client id collision; try again');
    return { clientId: record.clientId, clientSecret, name: record.name, scopes: record.scopes };
  }

  /** False when there is no such client or it was revoked already. */
  revoke(clientId: string): Promise<boolean> {
    return this.repo.revoke(clientId, isoAt(this.clock.nowMs()));
  }
}
