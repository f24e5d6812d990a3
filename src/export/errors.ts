/** An export the command line cannot make, for a reason its one-line message gives. Free of imports, so main.ts can load the export code only when exporting. */
export class ExportArgsError extends Error {}
