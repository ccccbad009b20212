import { useMemo } from 'react';
import { encode } from 'uqr';

/** Light modules around the code, as scanners need (the QR standard asks for 4). */
const QUIET_ZONE = 4;

/** The dark modules as one SVG path: a 1×1 square per module, in module units. */
export function qrPath(text: string): { size: number; d: string } {
  const { data, size } = encode(text, { ecc: 'M', border: 0 });
  let d = '';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) d += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
    }),
  );
  return { size: size + 2 * QUIET_ZONE, d };
}

/**
 * `text` as a QR code, drawn as SVG (no canvas, no image data: nothing the page's CSP refuses).
 * Black on white whatever the theme, as scanners expect; `label` names it for screen readers.
 */
export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, d } = useMemo(() => qrPath(text), [text]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${size} ${size}`}
      shapeRendering="crispEdges"
      data-testid="invite-qr"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
