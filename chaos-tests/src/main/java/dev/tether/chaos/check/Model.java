package dev.tether.chaos.check;

/**
 * A sequential specification for {@link Wgl}: the state an object starts in, and what each
 * operation does to it.
 *
 * @param <S> the state; must implement {@code equals} and {@code hashCode} (the search memoizes
 *     states)
 * @param <O> an operation with its observed result
 */
public interface Model<S, O> {
  S init();

  /**
   * The state after {@code op} runs in {@code state}, or null when {@code op}'s recorded result is
   * impossible there. An operation whose result is unknown must always step: to its effect if it
   * can have one there, else to {@code state} unchanged (it may never have happened).
   */
  S step(S state, O op);
}
