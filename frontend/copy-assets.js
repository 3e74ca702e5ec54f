// Copies the GOV.UK Frontend script into static/build. Images and fonts are not copied:
// they carry the crown and the GDS Transport font, which are reserved for GOV.UK.
const fs = require("fs");
const path = require("path");

const source = path.join(__dirname, "..", "node_modules", "govuk-frontend", "dist", "govuk");
const target = path.join(__dirname, "..", "static", "build");
fs.mkdirSync(target, { recursive: true });
fs.copyFileSync(path.join(source, "govuk-frontend.min.js"), path.join(target, "govuk-frontend.min.js"));
