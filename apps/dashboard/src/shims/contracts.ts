// What the browser bundle needs of @skyport/contracts at run time: the error codes and SkyportError.
// Everything else the client imports from it is types only.
// The package's entry also loads Node-only modules (gRPC, generated code), so the bundle takes this one module's
// source; Vite aliases @skyport/contracts here.
// eslint-disable-next-line @nx/enforce-module-boundaries
export * from '../../../../libs/contracts/src/errors/index';
