/**
 * The thread services: every command an application thread answers, by
 * service. The coordinator imports this module when a command arrives that no
 * handler answers yet, so importing markers loads none of it (the DESIGN's
 * "core's footprint"). A service with thread commands of its own adds its
 * installer here; each installer is idempotent per thread.
 */
import { installAggregateHandlers } from '../aggregate/thread/handlers.js';
import { installChannelHandlers } from '../channels/thread-handlers.js';
import { installThreadHandlers } from '../control/thread-handlers.js';
import { installProbeHandlers } from '../probe/thread-handlers.js';
import { installRecordHandlers } from '../record/thread-handlers.js';

installRecordHandlers();
installAggregateHandlers();
installProbeHandlers();
installChannelHandlers();
installThreadHandlers();
