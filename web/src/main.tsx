import './zod-jitless.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { keepFocusMeaningful } from './components/focus-keeper.ts';
import { initI18n } from './i18n/i18n.ts';

await initI18n();
keepFocusMeaningful();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
