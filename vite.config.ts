import { defineConfig } from 'vite'

// The page (index.html → src/ui/main.ts). Relative base so dist/ works from any path
// (GitHub Pages, file servers). Pixi is most of the bundle; its chunk is expected to be large.
export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
})
