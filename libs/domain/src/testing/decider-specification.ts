import * as E from 'fp-ts/Either';

/**
 * given(events).when(command).then(events) — Emmett's DeciderSpecification,
 * for fp-ts deciders: `then` asserts the exact events, `thenFails` the exact
 * error code, and both check that a refusal produced nothing.
 */
export interface Decider<Command, Event, State, Context, Error extends { code: string }> {
  readonly decide: (command: Command, state: State, ctx: Context) => E.Either<Error, Event[]>;
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: State;
}

export const deciderSpecification =
  <Command, Event, State, Context, Error extends { code: string }>(decider: Decider<Command, Event, State, Context, Error>, ctx: () => Context) =>
  (given: readonly Event[]) => ({
    when: (command: Command) => {
      const decision = decider.decide(command, given.reduce(decider.evolve, decider.initialState), ctx());
      return {
        then: (expected: readonly Event[]): void => {
          if (E.isLeft(decision)) throw new Error(`expected events, got ${decision.left.code}: ${JSON.stringify(decision.left)}`);
          expect(decision.right).toEqual(expected);
        },
        thenFails: (code: Error['code']): void => {
          if (E.isRight(decision)) throw new Error(`expected ${code}, got events ${JSON.stringify(decision.right)}`);
          expect(decision.left.code).toBe(code);
        },
      };
    },
  });
