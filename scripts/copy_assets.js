// Copies the front-end files the pages need from node_modules into the static folder.
// Run by `npm run build` (the Makefile does it); nothing is fetched at run time.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const target = path.join(root, "src", "industry_brain", "static", "vendor");
const files = {
  "echarts/dist/echarts.min.js": "echarts.min.js",
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "supercluster/dist/supercluster.min.js": "supercluster.min.js",
};
fs.mkdirSync(target, { recursive: true });
for (const [from, to] of Object.entries(files)) {
  fs.copyFileSync(path.join(root, "node_modules", from), path.join(target, to));
}
console.log(`copied ${Object.keys(files).length} files to static/vendor`);
