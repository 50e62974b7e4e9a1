/** Entry point: mounts the page, behind an error boundary so a failure never leaves it blank. */
import { Component, StrictMode, type ErrorInfo, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
// The theme and the page layout first: each area's own styles come with its component, presenter mode's last (App.tsx).
import './theme.css';
import './layout.css';
import { App } from './App';
import { t } from '../i18n';

class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(error, info.componentStack);
  }

  override render() {
    if (this.state.error) {
      return (
        <main className="main main-error">
          <section className="panel error-panel" role="alert" data-testid="error-panel">
            <h2>{t('error.runtimeTitle')}</h2>
            <pre className="error-message">{t('error.crash', { message: this.state.error.message })}</pre>
          </section>
        </main>
      );
    }
    return this.props.children;
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
