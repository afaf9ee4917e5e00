import * as fc from 'fast-check';
import { SubjectFilter } from './subject-filter';

describe('SubjectFilter', () => {
  it('never says "certainly not" for a subject it was given', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 100 }), { maxLength: 500 }), (subjects) => {
        const filter = new SubjectFilter(subjects.length);
        subjects.forEach((subject) => filter.add(subject));
        return subjects.every((subject) => filter.mightHave(subject));
      }),
    );
  });

  it('says "maybe" for few subjects it was not given', () => {
    const filter = new SubjectFilter(10_000);
    for (let i = 0; i < 10_000; i += 1) filter.add(`cust-${i}`);
    let wrong = 0;
    for (let i = 0; i < 10_000; i += 1) if (filter.mightHave(`other-${i}`)) wrong += 1;
    expect(wrong).toBeLessThan(10);
  });
});
