/** Test fixtures of @skyport/planner: import them from `@skyport/planner/testing` (test code only; production code cannot). */
export * from './capacity-fixtures';
