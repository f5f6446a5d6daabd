import { Module } from '@nestjs/common';
import { OpenApiController } from './openapi.controller';

/** The OpenAPI document (`/v1/openapi.json`) and its browsable UI (`/v1/docs`). */
@Module({ controllers: [OpenApiController] })
export class OpenApiModule {}
