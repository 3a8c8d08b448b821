/**
 * The grader catches the usual mistakes of chapter 3 (grading/mistakes.ts): each, staged as an
 * edit of the worked solutions and graded, fails its exercise with a message that points at the
 * cause and at a hint.
 */
import { describeMistakes } from '@rnn-course/grader/mistakes';
import { mistakes } from '../grading/mistakes';

describeMistakes(mistakes);
