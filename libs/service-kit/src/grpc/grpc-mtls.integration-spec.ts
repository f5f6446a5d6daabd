import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelCredentials, status, type ChannelCredentials as Creds, type ChannelOptions, type Server, type ServiceError } from '@grpc/grpc-js';
import { LogsRpc } from '@skyport/contracts';
import { generateGrpcCerts, grpcTlsEnv } from '@skyport/dev-stack';
import { ConfigError } from '../config/load-config';
import { PortInUseError } from '../bootstrap/port-in-use';
import { callerIdentity } from './grpc-callers';
import { grpcClientArgs, grpcSecurity, type GrpcSecurity } from './grpc-security';
import { startGrpcServer, stopGrpcServer } from './grpc-server';

/** Real gRPC servers on 127.0.0.1 with the local stack's certificates (and a second, foreign CA). */
describe('gRPC mutual TLS between services', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skyport-grpc-tls-'));
  const own = join(dir, 'own');
  const foreign = join(dir, 'foreign');
  const security = (identity: string, certs = own): GrpcSecurity => grpcSecurity(grpcTlsEnv(identity, certs), 'test');
  let logs: { server: Server; port: number };
  const seen: string[] = [];

  before(async () => {
    generateGrpcCerts(own);
    generateGrpcCerts(foreign, ['api']);
    const implementation: LogsRpc.LogsServer = {
      tail: (call) => {
        seen.push(callerIdentity(call) ?? '?');
        call.write({ lines: [{ seq: 1, nodeRank: 0, text: `secret of ${call.request.clusterName}`, at: '' }], eof: true, jobStatus: 'SUCCEEDED' });
        call.end();
      },
    };
    logs = await startGrpcServer('127.0.0.1:0', [{ definition: LogsRpc.LogsService, implementation, allowedCallers: ['api'] }], { security: security('logs') });
  });
  after(async () => {
    if (logs) await stopGrpcServer(logs.server, 100);
    rmSync(dir, { recursive: true, force: true });
  });

  async function tail(args: [Creds, ChannelOptions]): Promise<string[]> {
    const client = new LogsRpc.LogsClient(`127.0.0.1:${logs.port}`, ...args);
    try {
      return await new Promise<string[]>((resolve, reject) => {
        const lines: string[] = [];
        const call = client.tail({ clusterName: 'team-b-cluster', jobId: 1, afterSeq: 0, follow: false, tailLines: 0, stream: 'job' }, { deadline: new Date(Date.now() + 5_000) });
        call.on('data', (chunk: LogsRpc.LogChunk) => lines.push(...chunk.lines.map((l) => l.text)));
        call.on('error', reject);
        call.on('end', () => resolve(lines));
      });
    } finally {
      client.close();
    }
  }

  const refused = async (args: [Creds, ChannelOptions], code: status, why: RegExp): Promise<void> => {
    const before = seen.length;
    await assert.rejects(tail(args), (error: ServiceError) => {
      assert.equal(error.code, code, `${error.code}: ${error.details}`);
      assert.match(error.details, why);
      return true;
    });
    assert.equal(seen.length, before, 'the handler never ran');
  };

  it('the local stack makes a CA and a server+client certificate per service, keys mode 0600', () => {
    for (const id of ['api', 'optimizer', 'provisioner', 'logs']) {
      assert.equal(statSync(join(own, `${id}.key`)).mode & 0o777, 0o600, `${id}.key`);
      assert.equal(security(id, own).insecure ? '' : (security(id, own) as { identity: string }).identity, id);
    }
    assert.equal(statSync(join(own, 'ca.key')).mode & 0o777, 0o600);
  });

  it('the api, with its certificate, reads logs over mTLS; the server sees its identity', async () => {
    assert.deepEqual(await tail(grpcClientArgs(security('api'), 'logs')), ['secret of team-b-cluster']);
    assert.equal(seen.at(-1), 'api');
  });

  it('refuses a plaintext client', async () => {
    await refused([ChannelCredentials.createInsecure(), {}], status.UNAVAILABLE, /.*/);
  });

  it('refuses a client whose certificate another CA signed', async () => {
    // The client trusts our CA (so it would accept the server) but presents a foreign "api" certificate.
    const stranger = security('api', foreign) as Extract<GrpcSecurity, { insecure: false }>;
    const ours = security('api') as Extract<GrpcSecurity, { insecure: false }>;
    await refused(grpcClientArgs({ ...stranger, ca: ours.ca }, 'logs'), status.UNAVAILABLE, /.*/);
  });

  it('refuses a client without any certificate', async () => {
    const ours = security('api') as Extract<GrpcSecurity, { insecure: false }>;
    await refused([ChannelCredentials.createSsl(ours.ca), { 'grpc.ssl_target_name_override': 'logs.skyport.internal' }], status.UNAVAILABLE, /.*/);
  });

  it('Logs.Tail refuses a Skyport service other than the api (certificate identity)', async () => {
    for (const id of ['optimizer', 'provisioner', 'logs']) {
      await refused(grpcClientArgs(security(id), 'logs'), status.PERMISSION_DENIED, new RegExp(`caller '${id}' may not call tail`));
    }
  });

  it('a client refuses a server that is not the service it meant to reach, or signed by another CA', async () => {
    await assert.rejects(tail(grpcClientArgs(security('api'), 'optimizer')), (e: ServiceError) => e.code === status.UNAVAILABLE);
    const misled = { ...(security('api') as Extract<GrpcSecurity, { insecure: false }>), ca: (security('api', foreign) as Extract<GrpcSecurity, { insecure: false }>).ca };
    await assert.rejects(tail(grpcClientArgs(misled, 'logs')), (e: ServiceError) => e.code === status.UNAVAILABLE);
  });

  it('config: production needs the three files (each named); insecure mode is explicit and refused in production', () => {
    const lines = (settings: Record<string, string>): string => {
      try {
        grpcSecurity(settings, 'skyport-logs');
        return 'ok';
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.lines.join('\n');
      }
    };
    assert.match(lines({ NODE_ENV: 'production' }), /^skyport-logs: configuration error: SKYPORT_GRPC_TLS_CA, SKYPORT_GRPC_TLS_CERT, SKYPORT_GRPC_TLS_KEY are required/);
    assert.match(lines({ NODE_ENV: 'production', ...grpcTlsEnv('logs', own), SKYPORT_GRPC_TLS_KEY: '' }), /SKYPORT_GRPC_TLS_KEY is required/);
    assert.match(lines({ NODE_ENV: 'production', SKYPORT_GRPC_INSECURE: '1' }), /SKYPORT_GRPC_INSECURE=1 is refused when NODE_ENV=production/);
    assert.match(lines({}), /are required.*SKYPORT_GRPC_INSECURE=1 for a local development run/);
    assert.equal(lines({ SKYPORT_GRPC_INSECURE: '1' }), 'ok');
    assert.match(lines({ ...grpcTlsEnv('logs', own), SKYPORT_GRPC_TLS_CERT: join(dir, 'nope.crt') }), /SKYPORT_GRPC_TLS_CERT is invalid \(cannot read .*ENOENT\)/);
    assert.match(lines({ ...grpcTlsEnv('logs', own), SKYPORT_GRPC_TLS_CA: join(foreign, 'ca.crt') }), /SKYPORT_GRPC_TLS_CERT is invalid \(it is not signed by the CA/);
    assert.equal(lines({ NODE_ENV: 'production', ...grpcTlsEnv('logs', own) }), 'ok');
  });

  it('a taken port is named with its holder and the variable that moves it', async () => {
    const blocker: NetServer = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(
        startGrpcServer(`127.0.0.1:${port}`, [], { security: security('logs'), envVar: 'SKYPORT_LOGS_GRPC' }),
        (error: unknown) => {
          assert.ok(error instanceof PortInUseError, String(error));
          assert.match(error.message, new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is in use by pid ${process.pid} \\([^)]+\\); set SKYPORT_LOGS_GRPC to move it$`));
          return true;
        },
      );
    } finally {
      blocker.close();
    }
  });
});
