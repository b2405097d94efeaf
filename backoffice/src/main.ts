// The back office web app: Vue 3 + Element Plus (zh-CN), hash routes under /admin/.
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import './styles.css';

const app = createApp(App);
app.use(i18n);
app.use(router);
app.mount('#app');
