// Zod probes `new Function` to decide on its JIT; under the webview's CSP (no 'unsafe-eval')
// the probe is refused and reported as a CSP violation. Jitless parsing needs no eval.
import { z } from 'zod';

z.config({ jitless: true });
