// Shapes of the structured parameters. Property names are the bot's own setting names (README, "Configure"),
// so a value lands in the app as Tickets__<System>__<Property> without a translation table.

@export()
@description('ServiceNow (Table API, incident). The integration user\'s password is the separate secure parameter ticketSystemSecret.')
type serviceNowTickets = {
  System: 'ServiceNow'

  @description('Tickets:ServiceNow:InstanceUrl, e.g. https://contoso.service-now.com')
  @minLength(12)
  @maxLength(200)
  InstanceUrl: string

  @description('Tickets:ServiceNow:UserName: the integration user (basic auth).')
  @minLength(1)
  @maxLength(100)
  UserName: string

  @description('Tickets:ServiceNow:AssignmentGroup: the group new incidents are assigned to (optional).')
  @maxLength(100)
  AssignmentGroup: string?
}

@export()
@description('Jira Service Management (customer request). The API token is the separate secure parameter ticketSystemSecret.')
type jiraTickets = {
  System: 'Jira'

  @description('Tickets:Jira:BaseUrl, e.g. https://contoso.atlassian.net')
  @minLength(12)
  @maxLength(200)
  BaseUrl: string

  @description('Tickets:Jira:Email: the account the API token belongs to.')
  @minLength(3)
  @maxLength(200)
  Email: string

  @description('Tickets:Jira:ServiceDeskId')
  @minLength(1)
  @maxLength(20)
  ServiceDeskId: string

  @description('Tickets:Jira:RequestTypeId')
  @minLength(1)
  @maxLength(20)
  RequestTypeId: string

  @description('Tickets:Jira:IdempotencyField: a searchable text custom field for the handoff key, e.g. customfield_10050 (optional).')
  @maxLength(50)
  IdempotencyField: string?
}

@export()
@discriminator('System')
@description('Where handoffs are filed. The embedded SQLite desk is not offered here: it lives in one replica\'s file, and this deployment runs at least two (docs/decisions/0010-deployment.md).')
type ticketSettings = serviceNowTickets | jiraTickets

@export()
@description('An Azure OpenAI model deployment.')
type modelDeployment = {
  @description('Deployment name; the bot is given it as AzureOpenAI:Deployment or AzureOpenAI:EmbeddingDeployment.')
  @minLength(2)
  @maxLength(64)
  name: string

  @description('Model name, e.g. gpt-4o-mini or text-embedding-3-small.')
  @minLength(2)
  @maxLength(64)
  model: string

  @description('Model version, e.g. 2024-07-18 (chat) or 1 (text-embedding-3-small).')
  @minLength(1)
  @maxLength(20)
  version: string

  @description('Deployment type: GlobalStandard (pay per token, any region), DataZoneStandard (stays in the EU or US data zone) or Standard (this region only).')
  sku: 'GlobalStandard' | 'DataZoneStandard' | 'Standard'

  @description('Capacity in thousands of tokens per minute.')
  @minValue(1)
  @maxValue(1000)
  capacity: int
}

@export()
@description('A secret an administrator stores in Key Vault by hand, named after the bot setting it fills (-- for :).')
type storedSecretName = 'DirectLine--Secret' | 'Slack--BotToken' | 'WebChat--Intranet--SigningKey'
