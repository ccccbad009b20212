import type { Materializer } from '../files/materializer.js';
import type { DeviceEvent } from './deviceEvents.js';

/**
 * The materializer, telling when each run starts and ends (`materialize` events), so the status
 * says "Receiving" while files are written into the folder, whoever asked for them: a pulled
 * batch, a restore, a resolution, or the disk brought in line with the store.
 */
export function announceWrites(
  materializer: Materializer,
  emit: (event: DeviceEvent) => void,
): Materializer {
  return {
    trash: materializer.trash,
    async apply(entityIds) {
      const files = entityIds.length;
      if (files === 0) return materializer.apply(entityIds);
      emit({ type: 'materialize', phase: 'start', files });
      try {
        return await materializer.apply(entityIds);
      } finally {
        emit({ type: 'materialize', phase: 'end', files });
      }
    },
  };
}
