import { AutostopController } from './autostop.controller';

/** `POST /v1/clusters/:name/autostop`, registered in the api module as one feature. */
export const AUTOSTOP_FEATURE = { controllers: [AutostopController], providers: [] };
