import { join } from "node:path";

/** The project's root, whichever folder of test/ a suite sits in. */
export const ROOT = join(__dirname, "..", "..");
