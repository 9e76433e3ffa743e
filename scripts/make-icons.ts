// npm run icons: renders manifest/icons/color.svg and outline.svg to the PNGs the app package
// ships (192×192 and 32×32), then checks them. Rendering is reproducible (resvg, no system
// fonts): rerunning it on an unchanged SVG gives the same pixels. Commit the PNGs.

import path from 'node:path';
import { checkIcons, ICONS_DIR, renderIcons } from '../manifest/icons.js';

for (const file of renderIcons()) console.log(`wrote ${path.relative(process.cwd(), file)}`);
const problems = checkIcons(ICONS_DIR);
if (problems.length > 0) {
  for (const problem of problems) console.error(`icon problem: ${problem}`);
  process.exit(1);
}
console.log('icons OK: color 192×192, outline 32×32 white on transparent');
