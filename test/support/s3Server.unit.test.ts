import { describe, expect, it } from 'vitest';
import { swiftMissing } from './s3Server.js';

describe('swiftMissing', () => {
  it('is silent when everything is installed', () => {
    expect(swiftMissing(() => true)).toBeUndefined();
  });

  it('names what is missing and the Debian packages to install', () => {
    const message = swiftMissing(
      (path) => path !== '/usr/bin/swift-proxy-server' && path !== '/usr/bin/memcached',
    );
    expect(message).toBe(
      'No S3-compatible test server can start: OpenStack Swift is not installed (missing ' +
        '/usr/bin/swift-proxy-server, /usr/bin/memcached; Debian packages: swift-proxy memcached). ' +
        "Install them with 'apt-get install -y swift swift-proxy swift-object swift-container " +
        "swift-account memcached' (as .ci/run does), or set S3_ENDPOINT, S3_ACCESS_KEY_ID, " +
        'S3_SECRET_ACCESS_KEY and S3_REGION to use another S3-compatible server.',
    );
  });
});
