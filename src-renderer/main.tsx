import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connectStore } from './store/connectStore.js';
import { createAppStore } from './store/createAppStore.js';
import { StoreProvider } from './store/StoreContext.js';
import { chooseTransport } from './transport/createTransport.js';
import './styles/base.css';
import './styles/shell.css';
import './styles/files.css';
import './styles/screens.css';
import './styles/conflicts.css';

/** Startup: pick the transport for where we run, build the store, wire pushes, render. */
function start(container: HTMLElement) {
  const root = createRoot(container);
  const choice = chooseTransport();
  if (!choice.ok) {
    root.render(
      <main className="state state-error" role="alert">
        <h1>NetGuardian needs its access link</h1>
        <p>
          Open the address the <code>netguardian</code> server printed when it started; it ends in{' '}
          <code>?token=…</code>. For your safety this page does not work without it.
        </p>
      </main>,
    );
    return;
  }
  const { transport } = choice;
  const store = createAppStore({
    client: transport.client,
    upload: transport.upload,
    ...(transport.pick ? { pick: transport.pick } : {}),
    ...(transport.download ? { download: transport.download } : {}),
    desktop: transport.kind === 'electron',
  });
  connectStore(store, transport);
  root.render(
    <StrictMode>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </StrictMode>,
  );
}

const container = document.getElementById('root');
if (container) start(container);
