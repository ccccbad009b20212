import {
  ROUTES,
  helloSchema,
  pairAnswerSchema,
  PROTOCOL_VERSION,
  type PairAnswer,
} from '../../../src-shared/hubProtocol/protocol.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { HubConnection, type HubEndpoint } from './hubConnection.js';

export interface PairingRequest {
  readonly endpoint: HubEndpoint;
  /** The invite's one-time secret. */
  readonly secret: string;
  readonly nodeId: string;
  readonly deviceName: string;
}

/**
 * Exchanges an invite's secret for a device credential. The hub's certificate is checked against
 * the invite's fingerprint before the secret leaves this device, and the hub's protocol range
 * before it is spent, so a hub this version can't talk to never uses up the invite.
 */
export async function pairWithHub(request: PairingRequest): Promise<PairAnswer> {
  const connection = new HubConnection({ ...request.endpoint, connectTimeoutMs: 10_000 });
  try {
    const hello = await connection.json('GET', ROUTES.hello, helloSchema);
    if (PROTOCOL_VERSION < hello.minProtocol || PROTOCOL_VERSION > hello.maxProtocol)
      throw new NetGuardianError(
        'ProtocolMismatch',
        `the hub speaks sync protocol ${hello.minProtocol}-${hello.maxProtocol} and this NetGuardian speaks ${PROTOCOL_VERSION}: update NetGuardian on the ${PROTOCOL_VERSION < hello.minProtocol ? 'device' : 'hub'}`,
        'protocol',
      );
    const answer = await connection.json('POST', ROUTES.pair, pairAnswerSchema, {
      secret: request.secret,
      nodeId: request.nodeId,
      deviceName: request.deviceName,
    });
    if (answer.hubId !== hello.hubId || answer.nodeId !== request.nodeId)
      throw new NetGuardianError('StoreError', 'the hub answered the pairing inconsistently');
    return answer;
  } finally {
    connection.close();
  }
}
