/**
 * The edit form of one dataset step, by kind. Fields are picked from `cols`, the columns flowing into
 * the step (the server's "columns after the previous step"); join / union pick another table or
 * dataset. Values ↔ step conversion is steps.ts (stepToForm / formToStep).
 */
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Checkbox, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Switch, Typography, type FormInstance } from "antd";
import { useI18n } from "../i18n";
import { AGGS, FIELD_TYPES, FILTER_OPS, typeLabel, type Col as Column, type StepForm as Values } from "./steps";

const OP_LABELS: Record<string, [string, string]> = {
  "=": ["等于", "="], "!=": ["不等于", "≠"], ">": ["大于", ">"], ">=": ["大于等于", "≥"], "<": ["小于", "<"], "<=": ["小于等于", "≤"],
  in: ["属于", "in"], not_in: ["不属于", "not in"], between: ["介于", "between"], contains: ["包含", "contains"],
  starts_with: ["开头是", "starts with"], ends_with: ["结尾是", "ends with"], is_null: ["为空", "is empty"], not_null: ["不为空", "is not empty"],
};
const AGG_LABELS: Record<string, [string, string]> = {
  sum: ["求和", "sum"], count: ["计数", "count"], count_distinct: ["去重计数", "count distinct"], avg: ["平均", "average"],
  min: ["最小", "min"], max: ["最大", "max"], median: ["中位数", "median"],
};

export interface Sources { tables: string[]; datasets: string[] }

export function StepFormFields({ form, cols, sources, rightCols }: { form: FormInstance<Values>; cols: Column[]; sources: Sources; rightCols: Column[] }) {
  const { lang } = useI18n();
  const T = (zh: string, en: string) => (lang === "en" ? en : zh);
  const op = Form.useWatch("op", form) as Values["op"] | undefined;
  const filterMode = Form.useWatch("filterMode", form);
  const sourceKind = Form.useWatch(["source", "kind"], form);
  const fieldOptions = cols.map((c) => ({ value: c.name, label: c.label && c.label !== c.name ? `${c.label} (${c.name}) · ${typeLabel(c.type, lang)}` : `${c.name} · ${typeLabel(c.type, lang)}` }));
  const fieldSelect = (props: object = {}) => <Select showSearch optionFilterProp="label" options={fieldOptions} {...props} />;
  const many = (props: object = {}) => fieldSelect({ mode: "multiple", allowClear: true, ...props });
  const del = (remove: (i: number) => void, i: number) => <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(i)} />;

  return (
    <>
      <Form.Item name="op" hidden><Input /></Form.Item>
      {op === "select" && (
        <>
          <Form.Item name="keep"><Radio.Group optionType="button" options={[{ value: "keep", label: T("保留这些字段", "Keep these") }, { value: "drop", label: T("删除这些字段", "Drop these") }]} /></Form.Item>
          <Form.Item name="fields" label={T("字段（保留时按此顺序输出）", "Columns (kept in this order)")}>{many()}</Form.Item>
        </>
      )}
      {op === "filter" && (
        <>
          <Form.Item name="filterMode"><Radio.Group optionType="button" options={[{ value: "conditions", label: T("条件", "Conditions") }, { value: "formula", label: T("公式", "Formula") }]} /></Form.Item>
          {filterMode === "formula" ? (
            <Form.Item name="formula" label={T("保留满足公式的行", "Keep rows where")} extra={T("例如 amount > 1000 AND region = '华东'（见公式文档）", "e.g. amount > 1000 AND region = '华东' (see the formula docs)")}>
              <Input.TextArea rows={3} className="mono" data-testid="step-formula" />
            </Form.Item>
          ) : (
            <>
              <Form.Item name="match" label={T("满足", "Match")}><Radio.Group options={[{ value: "all", label: T("全部条件", "all conditions") }, { value: "any", label: T("任一条件", "any condition") }]} /></Form.Item>
              <Form.List name="conditions">
                {(items, { add, remove }) => (
                  <>
                    {items.map(({ key, name }) => (
                      <CondRow key={key} name={name} form={form} fieldSelect={fieldSelect} T={T} lang={lang} onRemove={() => remove(name)} />
                    ))}
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ field: cols[0]?.name, op: "=" })} data-testid="cond-add">{T("添加条件", "Add condition")}</Button>
                  </>
                )}
              </Form.List>
            </>
          )}
        </>
      )}
      {op === "calculate" && (
        <Row gutter={12}>
          <Col span={12}><Form.Item name="name" label={T("新列名", "Column name")} rules={[{ required: true }]}><Input className="mono" data-testid="calc-name" /></Form.Item></Col>
          <Col span={12}><Form.Item name="label" label={T("显示名", "Label")}><Input data-testid="calc-label" /></Form.Item></Col>
          <Col span={24}>
            <Form.Item name="formula" label={T("公式", "Formula")} rules={[{ required: true }]} extra={T("按行计算，直接写字段名，例如 amount / quantity、IF(amount > 1000, '大单', '小单')", "Row by row with bare column names, e.g. amount / quantity or IF(amount > 1000, 'big', 'small')")}>
              <Input.TextArea rows={3} className="mono" data-testid="calc-formula" />
            </Form.Item>
          </Col>
          <Col span={12}><Form.Item name="type" label={T("结果类型", "Result type")}><Select allowClear placeholder={T("自动推断", "inferred")} options={FIELD_TYPES.map((x) => ({ value: x, label: typeLabel(x, lang) }))} /></Form.Item></Col>
        </Row>
      )}
      {op === "aggregate" && (
        <>
          <Form.Item name="fields" label={T("分组字段", "Group by")}>{many()}</Form.Item>
          <Form.List name="aggregates">
            {(items, { add, remove }) => (
              <>
                {items.map(({ key, name }) => (
                  <Space key={key} align="baseline" wrap>
                    <Form.Item name={[name, "agg"]}><Select style={{ width: 120 }} options={AGGS.map((a) => ({ value: a, label: AGG_LABELS[a][lang === "en" ? 1 : 0] }))} /></Form.Item>
                    <Form.Item name={[name, "field"]}>{fieldSelect({ style: { width: 200 }, allowClear: true, placeholder: T("（行数）", "(rows)") })}</Form.Item>
                    <Form.Item name={[name, "name"]} rules={[{ required: true }]}><Input placeholder={T("输出列名", "output name")} className="mono" style={{ width: 150 }} /></Form.Item>
                    {del(remove, name)}
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ agg: "sum" })}>{T("添加汇总", "Add aggregate")}</Button>
              </>
            )}
          </Form.List>
        </>
      )}
      {(op === "sort" || op === "deduplicate") && (
        <>
          {op === "deduplicate" && <Form.Item name="fields" label={T("按这些字段去重（空 = 整行）", "Unique by (empty = whole row)")}>{many()}</Form.Item>}
          <Typography.Text type="secondary">{op === "sort" ? T("排序字段", "Sort by") : T("保留哪一行：按此排序后的第一行", "Which row to keep: the first after this order")}</Typography.Text>
          <Form.List name="by">
            {(items, { add, remove }) => (
              <div style={{ marginTop: 8 }}>
                {items.map(({ key, name }) => (
                  <Space key={key} align="baseline">
                    <Form.Item name={[name, "field"]}>{fieldSelect({ style: { width: 260 } })}</Form.Item>
                    <Form.Item name={[name, "desc"]} valuePropName="checked"><Switch checkedChildren={T("降序", "desc")} unCheckedChildren={T("升序", "asc")} /></Form.Item>
                    {del(remove, name)}
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ desc: false })}>{T("添加排序字段", "Add sort column")}</Button>
              </div>
            )}
          </Form.List>
          {op === "sort" && <Form.Item name="limit" label={T("只保留前 N 行", "Keep only the first N rows")} style={{ marginTop: 12 }}><InputNumber min={1} /></Form.Item>}
        </>
      )}
      {op === "rename" && (
        <Form.List name="renames">
          {(items, { add, remove }) => (
            <>
              {items.map(({ key, name }) => (
                <Space key={key} align="baseline" wrap>
                  <Form.Item name={[name, "from"]}>{fieldSelect({ style: { width: 220 } })}</Form.Item>
                  <Form.Item name={[name, "to"]}><Input placeholder={T("新列名", "new name")} className="mono" style={{ width: 150 }} /></Form.Item>
                  <Form.Item name={[name, "label"]}><Input placeholder={T("显示名", "label")} style={{ width: 150 }} /></Form.Item>
                  {del(remove, name)}
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>{T("添加字段", "Add column")}</Button>
            </>
          )}
        </Form.List>
      )}
      {op === "retype" && (
        <Form.List name="retypes">
          {(items, { add, remove }) => (
            <>
              {items.map(({ key, name }) => (
                <Space key={key} align="baseline">
                  <Form.Item name={[name, "field"]}>{fieldSelect({ style: { width: 260 } })}</Form.Item>
                  <Form.Item name={[name, "type"]}><Select style={{ width: 140 }} options={FIELD_TYPES.map((x) => ({ value: x, label: typeLabel(x, lang) }))} /></Form.Item>
                  {del(remove, name)}
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>{T("添加字段", "Add column")}</Button>
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{T("无法转换的值变为空值（NULL）", "Values that do not convert become NULL")}</Typography.Paragraph>
            </>
          )}
        </Form.List>
      )}
      {(op === "join" || op === "union") && (
        <>
          <Space align="baseline" wrap>
            <Form.Item name={["source", "kind"]} label={T("来源", "Source")}><Radio.Group optionType="button" options={[{ value: "table", label: T("表", "Table") }, { value: "dataset", label: T("数据集", "Dataset") }]} /></Form.Item>
            <Form.Item name={["source", "name"]} label=" " rules={[{ required: true }]}>
              <Select showSearch style={{ width: 260 }} options={(sourceKind === "dataset" ? sources.datasets : sources.tables).map((x) => ({ value: x, label: x }))} data-testid="step-source" />
            </Form.Item>
            {op === "join" && <Form.Item name="how" label={T("方式", "How")}><Select style={{ width: 130 }} options={[{ value: "left", label: T("左关联", "left") }, { value: "inner", label: T("内关联", "inner") }, { value: "right", label: T("右关联", "right") }, { value: "full", label: T("全关联", "full") }]} /></Form.Item>}
          </Space>
          {op === "join" ? (
            <Form.List name="on">
              {(items, { add, remove }) => (
                <>
                  {items.map(({ key, name }) => (
                    <Space key={key} align="baseline">
                      <Form.Item name={[name, "left"]}>{fieldSelect({ style: { width: 220 }, placeholder: T("本数据字段", "this column") })}</Form.Item>
                      <span>=</span>
                      <Form.Item name={[name, "right"]}><Select showSearch style={{ width: 220 }} placeholder={T("对方字段", "other column")} options={rightCols.map((c) => ({ value: c.name, label: `${c.name} · ${typeLabel(c.type, lang)}` }))} /></Form.Item>
                      {del(remove, name)}
                    </Space>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>{T("添加关联字段", "Add key pair")}</Button>
                </>
              )}
            </Form.List>
          ) : (
            <Space direction="vertical">
              <Form.Item name="distinct" valuePropName="checked" noStyle><Checkbox>{T("去掉重复行", "Drop duplicate rows")}</Checkbox></Form.Item>
              <Form.Item name="fill_missing" valuePropName="checked" noStyle><Checkbox>{T("对方缺少的字段填空值", "Fill columns the other side lacks with NULL")}</Checkbox></Form.Item>
            </Space>
          )}
        </>
      )}
      {op === "pivot" && (
        <Row gutter={12}>
          <Col span={24}><Form.Item name="fields" label={T("保留为行的字段", "Row fields")}>{many()}</Form.Item></Col>
          <Col span={12}><Form.Item name="column" label={T("取值变成列的字段", "Column whose values become columns")} rules={[{ required: true }]}>{fieldSelect()}</Form.Item></Col>
          <Col span={12}><Form.Item name="pivotValues" label={T("列（取值；留空则保存时从数据读取）", "Values (empty: read from the data)")}><Select mode="tags" open={false} tokenSeparators={[",", "，"]} /></Form.Item></Col>
          <Col span={12}><Form.Item name="agg" label={T("汇总方式", "Aggregate")}><Select options={AGGS.map((a) => ({ value: a, label: AGG_LABELS[a][lang === "en" ? 1 : 0] }))} /></Form.Item></Col>
          <Col span={12}><Form.Item name="field" label={T("汇总字段", "Of column")}>{fieldSelect({ allowClear: true })}</Form.Item></Col>
        </Row>
      )}
      {op === "unpivot" && (
        <Row gutter={12}>
          <Col span={24}><Form.Item name="fields" label={T("变成行的字段", "Columns to turn into rows")}>{many()}</Form.Item></Col>
          <Col span={12}><Form.Item name="name_column" label={T("名称列", "Name column")}><Input className="mono" /></Form.Item></Col>
          <Col span={12}><Form.Item name="value_column" label={T("值列", "Value column")}><Input className="mono" /></Form.Item></Col>
          <Col span={24}><Form.Item name="drop_nulls" valuePropName="checked"><Checkbox>{T("去掉空值行", "Drop empty values")}</Checkbox></Form.Item></Col>
        </Row>
      )}
    </>
  );
}

function CondRow({ name, form, fieldSelect, T, lang, onRemove }: {
  name: number; form: FormInstance<Values>; fieldSelect: (p?: object) => JSX.Element; T: (z: string, e: string) => string; lang: "zh" | "en"; onRemove: () => void;
}) {
  const op = Form.useWatch(["conditions", name, "op"], form) as string | undefined;
  return (
    <Space align="baseline" wrap className="cond-row" data-testid={`cond-${name}`}>
      <Form.Item name={[name, "field"]}>{fieldSelect({ style: { width: 220 }, "data-testid": `cond-field-${name}` })}</Form.Item>
      <Form.Item name={[name, "op"]}><Select style={{ width: 110 }} options={FILTER_OPS.map((o) => ({ value: o, label: OP_LABELS[o][lang === "en" ? 1 : 0] }))} data-testid={`cond-op-${name}`} /></Form.Item>
      {op === "in" || op === "not_in" ? (
        <Form.Item name={[name, "values"]}><Select mode="tags" open={false} style={{ width: 240 }} tokenSeparators={[",", "，"]} placeholder={T("输入后回车", "type, then Enter")} /></Form.Item>
      ) : op === "between" ? (
        <>
          <Form.Item name={[name, "value"]}><Input style={{ width: 110 }} /></Form.Item>
          <span>~</span>
          <Form.Item name={[name, "value2"]}><Input style={{ width: 110 }} /></Form.Item>
        </>
      ) : op === "is_null" || op === "not_null" ? null : (
        <Form.Item name={[name, "value"]}><Input style={{ width: 160 }} data-testid={`cond-value-${name}`} /></Form.Item>
      )}
      <Button type="text" danger icon={<DeleteOutlined />} onClick={onRemove} />
    </Space>
  );
}
