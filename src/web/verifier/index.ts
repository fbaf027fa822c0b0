export { registerVerifierRoutes } from './routes.js';
