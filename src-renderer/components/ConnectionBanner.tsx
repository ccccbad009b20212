import { useAppStore } from '../store/StoreContext.js';

/**
 * Shown when this window lost its line to NetGuardian itself (headless mode, server restarted).
 * Different from the hub being offline: here nothing on screen is current.
 */
export function ConnectionBanner() {
  const connection = useAppStore((s) => s.status.connection);
  if (connection === 'refused')
    return (
      <div className="banner banner-offline" role="alert" data-testid="refused-banner">
        This page’s access link is out of date: NetGuardian was restarted and made a new one. Open
        the address that <code>netguardian serve</code> printed when it started (it ends in{' '}
        <code>?token=…</code>); your files are not affected.
      </div>
    );
  if (connection !== 'offline') return null;
  return (
    <div className="banner banner-offline" role="alert" data-testid="offline-banner">
      Lost the connection to NetGuardian on this computer. Reconnecting… What you see may be out of
      date; your files are not affected.
    </div>
  );
}
