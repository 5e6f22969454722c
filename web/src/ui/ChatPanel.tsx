import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { ChatLine } from '../call/CallSession.ts';

export function ChatPanel({ lines, onSend, onClose }: { lines: ChatLine[]; onSend: (text: string) => void; onClose: () => void }) {
  const [text, setText] = useState('');
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView?.({ block: 'end' });
  }, [lines.length]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSend(text);
    setText('');
  };
  return (
    <aside className="panel chat" aria-label="Chat">
      <header>
        <h2>Chat</h2>
        <button className="small" onClick={onClose} aria-label="Close the chat">
          Close
        </button>
      </header>
      <ol aria-live="polite" data-testid="chat-lines" ref={list}>
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
