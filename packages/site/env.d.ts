/** Single-file Vue components, as the TypeScript files that import them see them. */
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}

/** Stylesheets imported for their effect (Vite bundles them). */
declare module '*.css';
