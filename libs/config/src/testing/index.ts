/** Test fixtures of @skyport/config: import them from `@skyport/config/testing` (test code only; production code cannot). */
export * from '../skypilot/skypilot-reference.fixture';
