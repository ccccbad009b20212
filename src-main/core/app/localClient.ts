import { NetGuardianError } from '../../../src-shared/errors.js';
import type {
  Channel,
  ContractClient,
  RequestOf,
  ResponseOf,
} from '../../../src-shared/ipc/contract.js';
import type { CoreService } from './corePort.js';
import { dispatchRequest } from './dispatch.js';

/**
 * The contract's client on a core in this very process: every request is validated and answered
 * exactly as it would be over a transport (`dispatchRequest`), so a command that opened the
 * device itself behaves like one talking to the running daemon.
 */
export function localClient(service: CoreService): ContractClient {
  return {
    async call<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> {
      const reply = await dispatchRequest(service, channel, payload, 'command');
      if (!reply.ok) throw NetGuardianError.from(reply.error);
      return reply.value as ResponseOf<C>;
    },
    listen: (listener) => service.subscribe(listener),
  };
}
