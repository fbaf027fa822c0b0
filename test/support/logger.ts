import { createLogger } from '../../src/shared/logger.js';

/** A logger that prints nothing unless TEST_LOG_LEVEL asks for it. */
export const silentLogger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
