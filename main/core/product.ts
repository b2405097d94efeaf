/**
 * The product's name, as the installer and the OS know it: package.json's `productName` (one place;
 * electron-builder.yml repeats it for the installer). Main uses it for window titles, app.info and
 * the PDF creator; the pages take theirs from the catalogue (`app.productName`).
 */
import { productName } from '../../package.json';

export const PRODUCT_NAME: string = productName;
