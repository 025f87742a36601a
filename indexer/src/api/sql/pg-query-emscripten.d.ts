/** libpg_query compiled to WebAssembly (the parser Ponder uses); the package ships no types. */
declare module "pg-query-emscripten" {
  const Module: unknown;
  export default Module;
}
