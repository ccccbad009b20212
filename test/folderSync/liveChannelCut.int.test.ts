/**
 * A device's live channel to the hub's service, cut by the network (a connection reset, as a
 * Wi-Fi drop or a NAT timeout does): the device must hear it as lost, so that it reopens the
 * channel, and must not crash. The connection goes through a proxy that resets both sides.
 * Vitest fails a file on an uncaught exception, so a reset that is thrown fails here too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubConnection } from '../../src-main/core/hubClient/hubConnection.js';
import { HubPeer } from '../../src-main/core/hubClient/hubPeer.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';
import { TestHub } from './support/testHub.js';

let hub: TestHub;
let proxy: TcpProxy;

beforeAll(async () => {
  hub = await TestHub.create('live_cut');
  proxy = await startTcpProxy({ host: '127.0.0.1', port: hub.service.address.port });
});

afterAll(async () => {
  await proxy?.close();
  await hub?.close();
});

describe('a live channel cut by the network', () => {
  it('is reported lost with the reset, and the hub answers again once the network is back', async () => {
    const spaceId = hub.newSpaceId('live');
    const access = await hub.pair('node-live-1', 'laptop', spaceId);
    const peer = new HubPeer(
      new HubConnection({ ...access, address: `127.0.0.1:${proxy.port}` }),
      spaceId,
    );
    try {
      let reportLost: (e: Error) => void = () => undefined;
      const lost = new Promise<Error>((resolve) => (reportLost = resolve));
      // Resolves once the hub answered the channel's request: it is open.
      await peer.listen(
        () => undefined,
        (e) => reportLost(e),
      );
      proxy.cut();
      const error = await Promise.race([
        lost,
        new Promise<Error>((_, reject) =>
          setTimeout(() => reject(new Error('the cut channel was not reported lost')), 10_000),
        ),
      ]);
      expect(error.message).toMatch(/ECONNRESET|closed/);

      proxy.restore();
      expect(await peer.getFrontier(spaceId)).toEqual({});
    } finally {
      proxy.restore();
      await peer.close();
    }
  });
});
