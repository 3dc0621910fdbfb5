/**
 * A QR code of a short text (an otpauth:// link for an authenticator app), drawn as one SVG path
 * of dark modules with a quiet zone of four modules, black on white whatever the colour scheme, so
 * a phone's camera reads it. The text itself stays on screen beside it for those who cannot scan.
 */
import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

const QUIET_ZONE = 4;

/** The SVG path of the dark modules, one unit a module, offset by the quiet zone. */
function darkModulesPath(text: string): { path: string; size: number } {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const count = code.getModuleCount();
  const parts: string[] = [];
  for (let row = 0; row < count; row += 1) {
    for (let column = 0; column < count; column += 1) {
      if (code.isDark(row, column)) parts.push(`M${column + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  return { path: parts.join(''), size: count + 2 * QUIET_ZONE };
}

export function QrCode({ text, label, pixels = 200 }: { text: string; label: string; pixels?: number }) {
  const { path, size } = useMemo(() => darkModulesPath(text), [text]);
  return (
    <svg
      role="img"
      aria-label={label}
      width={pixels}
      height={pixels}
      viewBox={`0 0 ${size} ${size}`}
      shapeRendering="crispEdges"
      data-testid="qr-code"
    >
      <rect width={size} height={size} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
