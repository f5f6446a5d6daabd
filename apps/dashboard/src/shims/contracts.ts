// What the browser bundle needs of @skyport/contracts at run time: the error codes and SkyportError.
// Everything else the client imports from it is types only.
export * from '../../../../libs/contracts/src/errors/index';
