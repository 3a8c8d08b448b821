/**
 * VitePress's default theme with the course's components (usable in any page as tags) and a
 * few styles for figures and equations.
 */
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import CharRnnLab from '../../components/CharRnnLab.vue';
import CourseChapters from '../../components/CourseChapters.vue';
import ExerciseIndex from '../../components/ExerciseIndex.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('CharRnnLab', CharRnnLab);
    app.component('CourseChapters', CourseChapters);
    app.component('ExerciseIndex', ExerciseIndex);
  },
} satisfies Theme;
