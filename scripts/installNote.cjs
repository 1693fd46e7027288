// Printed once after `npm install`: the one line that replaces npm's wall of
// EBADENGINE warnings (.npmrc sets loglevel=error). Plain JS: it runs before any build.
'use strict';
const agent = process.env.npm_config_user_agent || '';
const npmNode = /node\/v(\d+)\.[\d.]+/.exec(agent);
if (npmNode && Number(npmNode[1]) < 22) {
  console.log(
    `Installed. npm ran on Node ${npmNode[0].slice(5)}; the Google client libraries need Node 22, which the ` +
      `\`node\` devDependency provides (${process.version}): npm start, npm test and every npm run script use it. ` +
      `npm's engine warnings are hidden by .npmrc (npm install --loglevel=warn shows them).`,
  );
}
