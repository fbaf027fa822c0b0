export { registerSignerRoutes, type SignerRouteOptions } from './routes.js';
