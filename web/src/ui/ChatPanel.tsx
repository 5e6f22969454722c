import { type FormEvent, useState } from 'react';
import type { ChatLine } from '../call/CallSession.ts';

export function ChatPanel({ lines, onSend }: { lines: ChatLine[]; onSend: (text: string) => void }) {
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSend(text);
    setText('');
  };
  return (
    <aside className="chat" aria-label="Chat">
      <ol aria-live="polite" data-testid="chat-lines">
        {lines.map((line, i) => (
          <li key={i} className={line.mine ? 'mine' : ''}>
            <strong>{line.from}</strong> {line.text}
          </li>
        ))}
      </ol>
      <form onSubmit={submit}>
        <input value={text} onChange={(e) => setText(e.target.value)} placeholder="Message everyone" aria-label="Chat message" maxLength={2000} />
        <button type="submit" disabled={!text.trim()}>Send</button>
      </form>
    </aside>
  );
}
