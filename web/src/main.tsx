import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { clientConfig } from './config.ts';
import { App } from './ui/App.tsx';
import './styles.css';

// the configuration is fetched while React renders (the App reads the same promise)
clientConfig().catch(() => undefined);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
