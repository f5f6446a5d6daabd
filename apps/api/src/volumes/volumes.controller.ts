import { Body, Controller, Delete, Get, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { VolumeDeleted, VolumeView, VolumeList } from '@skyport/contracts';
import { Caller, type Principal } from '../auth/principal';
import { VolumesService } from './volumes.service';

@Controller('v1/volumes')
export class VolumesController {
  constructor(@Inject(VolumesService) private readonly volumes: VolumesService) {}

  /** `skyport volumes apply volume.yaml`: SkyPilot's volume document as JSON. */
  @Post()
  async apply(@Caller() caller: Principal, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<VolumeView> {
    const { created, volume } = await this.volumes.apply(caller, body);
    res.status(created ? 201 : 200);
    return volume;
  }

  /** `skyport volumes ls`. */
  @Get()
  list(@Caller() caller: Principal): Promise<VolumeList> {
    return this.volumes.list(caller);
  }

  @Get(':name')
  get(@Caller() caller: Principal, @Param('name') name: string): Promise<VolumeView> {
    return this.volumes.get(caller, name);
  }

  /** `skyport volumes delete NAME`. */
  @Delete(':name')
  delete(@Caller() caller: Principal, @Param('name') name: string): Promise<VolumeDeleted> {
    return this.volumes.delete(caller, name);
  }
}
