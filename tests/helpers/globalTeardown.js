/** Removes the shared fixtures' directory that globalSetup.js created for this run. */
const fs = require("node:fs");

module.exports = async function globalTeardown() {
  if (process.env.WORKBOOK_TEST_FIXTURES_OWNED === "1" && process.env.WORKBOOK_TEST_FIXTURES) {
    fs.rmSync(process.env.WORKBOOK_TEST_FIXTURES, { recursive: true, force: true });
  }
};
