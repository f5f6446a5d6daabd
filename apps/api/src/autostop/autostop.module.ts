import { Module } from '@nestjs/common';
import { AutostopController } from './autostop.controller';

/** `POST /v1/clusters/:name/autostop`. */
@Module({ controllers: [AutostopController] })
export class AutostopModule {}
