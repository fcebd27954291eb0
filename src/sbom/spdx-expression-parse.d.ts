// Types for the untyped spdx-expression-parse package (only what Portcullis uses).
declare module "spdx-expression-parse" {
  function parse(expression: string): unknown;
  export default parse;
}
