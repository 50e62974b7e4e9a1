import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is static: scenarios are bundled from scenarios/*.yaml as raw text.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173 },
  preview: { port: 5173, strictPort: true },
});
