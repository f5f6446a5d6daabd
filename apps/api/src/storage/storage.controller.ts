import { Controller, Delete, Get, HttpCode, Inject, Param } from '@nestjs/common';
import type { StorageDeleted, StorageList } from '@skyport/contracts';
import { Caller, type Principal } from '../auth/principal';
import { StorageService } from './storage.service';

@Controller('v1/storage')
export class StorageController {
  constructor(@Inject(StorageService) private readonly storage: StorageService) {}

  /** `skyport storage ls`. */
  @Get()
  list(@Caller() caller: Principal): Promise<StorageList> {
    return this.storage.list(caller);
  }

  /** `skyport storage delete NAME`: accepted (202); the provisioner deletes the bucket shortly. */
  @Delete(':name')
  @HttpCode(202)
  delete(@Caller() caller: Principal, @Param('name') name: string): Promise<StorageDeleted> {
    return this.storage.delete(caller, name);
  }
}
