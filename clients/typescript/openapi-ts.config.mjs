// @hey-api/openapi-ts reads this file (`npm run generate`, or `make clients` from the repository root).
// TASQUES_TS_CLIENT_OUTPUT redirects the output folder, so `make clients-check` can generate into a
// scratch folder and compare it with the committed src/generated.
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: '../../openapi/openapi.json',
  output: {
    path: process.env.TASQUES_TS_CLIENT_OUTPUT ?? 'src/generated',
    // Node's ES modules need explicit extensions in relative imports (tsconfig: NodeNext).
    module: { extension: '.js' },
  },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
});
