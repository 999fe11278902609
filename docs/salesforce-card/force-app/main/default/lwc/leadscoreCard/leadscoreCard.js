import { LightningElement, api } from 'lwc';

// On a Lead or Contact record page. The Canvas signed request can only be made by Salesforce itself, so the
// component frames the Visualforce page that hosts the Canvas app, passing the record it sits on.
export default class LeadscoreCard extends LightningElement {
    @api recordId;
    @api height = 340;

    get frameUrl() {
        return `/apex/LeadScoreCard?id=${encodeURIComponent(this.recordId)}`;
    }
}
