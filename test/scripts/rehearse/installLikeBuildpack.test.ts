import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { npmEnv } from '../../../scripts/rehearse/installLikeBuildpack';

// installLikeBuildpack itself runs real npm: rehearse.integration.test.ts covers it.
void describe('npmEnv', () => {
  void it("drops what npm run says about this repository, keeps npm settings, puts the given Node first on PATH", () => {
    const env = npmEnv(
      {
        PATH: '/usr/bin',
        HOME: '/h',
        npm_config_local_prefix: '/repo',
        npm_package_json: '/repo/package.json',
        npm_lifecycle_event: 'deploy:rehearse',
        npm_execpath: '/npm-cli.js',
        INIT_CWD: '/repo',
        npm_config_registry: 'https://mirror/',
        NPM_CONFIG_CACHE: '/c',
      },
      '/opt/n/bin/node',
    );
    assert.deepEqual(env, { PATH: '/opt/n/bin:/usr/bin', HOME: '/h', npm_config_registry: 'https://mirror/', NPM_CONFIG_CACHE: '/c' });
  });
});
