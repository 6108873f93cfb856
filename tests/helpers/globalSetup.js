/**
 * Once per `npm test`: a directory for the fixtures several test files share
 * (tests/helpers/sharedFixture.ts), removed again by globalTeardown.js. Workers inherit it
 * through the environment.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

module.exports = async function globalSetup() {
  if (process.env.WORKBOOK_TEST_FIXTURES) return; // a caller gave one (kept after the run)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-fixtures-"));
  process.env.WORKBOOK_TEST_FIXTURES = dir;
  process.env.WORKBOOK_TEST_FIXTURES_OWNED = "1";
};
