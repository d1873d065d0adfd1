import { loadCustomers } from './config/load';
import { CustomerApp } from './constructs/customer-app';
import { ComponentChart } from './constructs/component-chart';
const [c] = loadCustomers('customers');
const app = new CustomerApp(c.config!);
console.log(app.node.findAll().length, app.node.children.map(c => c.node.id), ComponentChart.of(app).map(c=>c.file));
